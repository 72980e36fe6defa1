"""Bulk import of rules, requirements and sources from CSV and XLSX files (django-import-export).

The admin's import pages (regulations/admin/imports.py) and ``manage.py import_content`` run the same
resources: ``formats`` reads the files, ``widgets`` turns cells into values (related objects looked up
once per file), ``bulk`` validates every row (with ``constraints`` and ``uniqueness``, no query per
row) and ``writing`` stores them in bulk with their history; ``resources`` says what each kind of row
holds, and ``uploads`` keeps a previewed file until it is confirmed.
"""
