#!/usr/bin/env node
/**
 * The `attesta` bin.
 *
 * @module
 */
import { processIo } from "./io";
import { main } from "./main";

const code = await main(process.argv.slice(2), processIo());
// Exit once the output is written, rather than wait for idle keep-alive
// connections of the HTTP client to time out.
process.stdout.write("", () => process.exit(code));
