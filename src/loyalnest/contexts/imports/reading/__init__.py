"""Reading an import file (pure: a byte stream in, typed records out; no database).

A merchant's CSV from Smile.io, LoyaltyLion, Yotpo or any tool is read as a stream
(memory stays flat whatever the size): its encoding detected (``encoding``), its
delimiter sniffed and its rows parsed with the physical line each starts on
(``csv_stream``), its headers matched to our canonical fields by a preset or the
merchant's mapping (``presets``), each cell parsed and bounded (``fields``). A good row
becomes a ``CustomerRecord`` or ``HistoryRecord``, a bad one ``RowError``s (``records``);
the same customer twice in one file is flagged (``duplicates``); the errors download as a
CSV safe to open in a spreadsheet (``error_report``). Whole-file problems raise
``FileRefused`` (``refusals``).

    reader = read_customers(stream, Source.SMILE, tiers=["Bronze", "Gold"])
    for item in reader:            # CustomerRecord | RowError, in file order
        ...
    reader.bytes_read              # progress
"""

from loyalnest.contexts.imports.reading.csv_stream import ByteSource, CsvStream, open_csv
from loyalnest.contexts.imports.reading.customers import CustomerReader, read_customers
from loyalnest.contexts.imports.reading.duplicates import flag_duplicates
from loyalnest.contexts.imports.reading.error_report import neutralise, report_chunks, write_error_report
from loyalnest.contexts.imports.reading.history import HistoryReader, read_history
from loyalnest.contexts.imports.reading.presets import (
    CUSTOMER_COLUMNS,
    HISTORY_COLUMNS,
    PRESETS,
    Preset,
    Source,
    normalise_header,
)
from loyalnest.contexts.imports.reading.records import Birthday, CustomerRecord, HistoryRecord, RowError
from loyalnest.contexts.imports.reading.refusals import FileRefused, MappingRefused

__all__ = [
    "CUSTOMER_COLUMNS",
    "HISTORY_COLUMNS",
    "PRESETS",
    "Birthday",
    "ByteSource",
    "CsvStream",
    "CustomerReader",
    "CustomerRecord",
    "FileRefused",
    "HistoryReader",
    "HistoryRecord",
    "MappingRefused",
    "Preset",
    "RowError",
    "Source",
    "flag_duplicates",
    "neutralise",
    "normalise_header",
    "open_csv",
    "read_customers",
    "read_history",
    "report_chunks",
    "write_error_report",
]
