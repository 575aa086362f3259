// ESLint configuration apigeelint (PO025) uses for the bundle's resources/jsc/ in
// apigee-sharedflow/test/bundle.test.ts: ECMAScript 5 scripts with Apigee's globals, so any
// post-ES5 syntax in what Apigee will run is a parse ERROR, not a warning.
export default [
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 5,
      sourceType: 'script',
      globals: {
        context: 'readonly',
        request: 'readonly',
        response: 'readonly',
        httpClient: 'readonly',
        print: 'readonly',
        properties: 'readonly',
        crypto: 'readonly',
        Request: 'readonly',
        JSON: 'readonly',
        Math: 'readonly',
        Date: 'readonly',
        Error: 'readonly',
        Object: 'readonly',
        String: 'readonly',
        parseInt: 'readonly',
        parseFloat: 'readonly',
        decodeURIComponent: 'readonly',
        PalisadeDetect: 'writable',
        PalisadeBuiltinRules: 'readonly',
        PalisadeBuiltinReady: 'readonly',
        Palisade: 'writable',
      },
    },
    rules: { 'no-undef': 'error', 'no-dupe-keys': 'error', 'no-unreachable': 'error' },
  },
];
