"""``omm import`` (SPEC §6): bulk import of asset, assignment and catalog manifests into a tenant."""
