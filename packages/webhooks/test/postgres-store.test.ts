import { afterAll } from "vitest";
import { PostgresStore } from "../src/postgres/postgres-store";
import type { DeliveryStore } from "../src/store/delivery-store";
import { DATABASE_URL, dropSchemas, freshSchema } from "./postgres/database";
import { describeStoreContract } from "./support/store-contract";

const schemas = new WeakMap<DeliveryStore, string>();
const store = (schema: string) => {
  const made = new PostgresStore({ connection: DATABASE_URL, schema });
  schemas.set(made, schema);
  return made;
};

describeStoreContract("PostgresStore", {
  create: () => store(freshSchema()),
  reopen: (closed) => store(schemas.get(closed) ?? freshSchema()),
});

afterAll(dropSchemas);
