"""Bulk import of rules, requirements and sources from CSV and XLSX files (django-import-export).

The admin's import pages (regulations/admin/imports.py) and ``manage.py import_content`` run the same
resources: ``formats`` reads the files, ``widgets`` turns cells into values, ``bulk`` validates every row
and writes them in bulk with their history, ``resources`` says what each kind of row holds, and
``uploads`` keeps a previewed file until it is confirmed.
"""
