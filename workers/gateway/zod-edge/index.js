// `zod` for the Worker bundle: zod's index.js over external.js without locales (see there).
import * as z from "./external.js";
export * from "./external.js";
export { z, z as default };
