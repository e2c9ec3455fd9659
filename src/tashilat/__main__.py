from tashilat.entrypoints.cli.main import app

app(prog_name="tashilat")
