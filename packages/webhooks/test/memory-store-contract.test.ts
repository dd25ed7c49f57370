import { MemoryStore } from "../src/store/memory-store";
import { describeStoreContract } from "./support/store-contract";

describeStoreContract("MemoryStore", { create: () => new MemoryStore() });
