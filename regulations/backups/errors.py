class BackupError(Exception):
    """A backup could not be written, or a file cannot be restored; the message says why."""
