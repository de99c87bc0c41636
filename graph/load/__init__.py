"""Loading: source files read, mapped to BIBFRAME and loaded as one batch, and RDF files loaded; the one road every load takes (graph.catalogue.Catalogue.ingest)."""
