// cbor-x loads cbor-extract inside try/catch and decodes in pure JavaScript without it.
throw new Error('cbor-extract is stubbed out (see scripts/stubs/cbor-extract/package.json)');
