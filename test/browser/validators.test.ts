import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page, Response } from "playwright-core";
import { appWithUserOn, Client, workForm } from "../support/app-browser.js";
import { launchChromium, startServer } from "../support/browser.js";
import { eachDialect } from "../support/db.js";
import { checkA11y, checkHtmlPages, describeViolations, htmlCheckerAvailable } from "../support/validators.js";
