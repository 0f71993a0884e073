"""Pure logic of segments: the custom-segment rule language (``language``), its reference
evaluation (``evaluation``) and the segments' localized names (``names``)."""
