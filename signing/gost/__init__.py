"""GOST R 34.10-2015 / Streebog for the NCA RK's keys: arithmetic, keys, CMS, PDF, validation.

Importing this package registers the NCA's GOST OIDs with asn1crypto (see :mod:`.oids`).
"""

from signing.gost import oids

oids.register()
