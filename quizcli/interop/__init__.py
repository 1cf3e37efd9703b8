"""Reading and writing other tools' question formats.

Each importer is a pure function from text to an `ImportResult` (cards plus
every skipped item with its line and reason); each exporter is a pure function
from a deck to text plus the cards it could not express.  Nothing here reads
or writes files: `quizcli.interop.files` and the CLI do that.
"""
