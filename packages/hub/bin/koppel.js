#!/usr/bin/env node
// Runs the package's own CLI through its exports: the compiled dist/cli/main.js when installed, the
// TypeScript source inside the Koppel repository (whose npm runs set the "koppel-source" condition).
import '@koppel/hub/cli';
