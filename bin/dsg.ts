#!/usr/bin/env node
// Entry point: hands the command line to the CLI and exits with its code.
import process from 'node:process';
import { main } from '../engine/cli/main.ts';
import { argv } from '../core/runtime.ts';

// Deprecation notices from dependencies are for their authors, not for dsg's users.
process.noDeprecation = true;
process.exitCode = await main(argv());
