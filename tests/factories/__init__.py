"""Building blocks for tests, one module per domain: who is asking (auth), modules on disk (modules), and rows
(templates, resources, runs), built either through the services (`make_*`, which check everything) or directly
as rows with factory_boy (`*Factory`, fast: no fetch, no archive per test)."""
