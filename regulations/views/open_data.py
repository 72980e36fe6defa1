"""/open-data/: the latest open-data files (``manage.py publish_open_data``), and their download."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render

from regulations.listings import LICENCE
from regulations.open_data import published_files, version_of


def open_data(request):
    directory = Path(settings.OPEN_DATA_DIR)
    files = published_files(directory) if directory.is_dir() else []
    latest = [path for path in files if version_of(path) == version_of(files[0])] if files else []
    context = {"files": [(path.name, path.stat().st_size) for path in latest], "licence": LICENCE}
    context["version"] = version_of(latest[0]) if latest else None
    return render(request, "regulations/open_data.html", context)


def open_data_file(request, name: str):
    directory = Path(settings.OPEN_DATA_DIR)
    found = {path.name: path for path in published_files(directory)} if directory.is_dir() else {}
    if name not in found:
        raise Http404("No such open-data file.")
    return FileResponse(found[name].open("rb"), as_attachment=True, filename=name)
