"""The JSON API (/api/v1/): a thin door over the same FilterSets, applicability and selectors as the pages."""
