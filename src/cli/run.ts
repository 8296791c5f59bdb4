import { main } from "./main.js";

// Entry point of the `fanfold` command. `serve` keeps running; other commands exit with their code.
const code = await main(process.argv.slice(2));
if (process.argv[2] !== "serve" || code !== 0) process.exitCode = code;
