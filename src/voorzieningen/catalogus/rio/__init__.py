"""Adapter for RIO's public Linked-Open-Data API v2 (``../shared/data/rio/RIO_LOD_API_v2.yml``).

``client.RioLodClient`` pages through the HAL collections and turns them into import rows;
``simulator.RioSimulator`` serves the same collections from a generated national dataset, over HTTP
(``/simulators/rio/api/rio/v2/…``) or in-process when no RIO_API_URL is configured.
"""
