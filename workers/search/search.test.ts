import { describe } from "vitest";
import { get } from "../catalog/testing.ts";
import { searchContract } from "./testing/search-contract.ts";

describe("GET /search in workerd", () => {
  searchContract({ get });
});
