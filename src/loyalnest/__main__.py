from loyalnest.cli import app

app()
