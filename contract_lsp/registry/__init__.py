"""The registry: contract files (SPEC §2) loaded into the contract model, with CL900 errors."""
