import { until } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import {
  type PrivateCluster,
  serverBinaries,
  startPrivateCluster,
} from "./postgres/private-cluster";
import {
  neverArrived,
  type StoreProcess,
  startRecordingReceiver,
  startStoreProcess,
} from "./postgres/processes";

const bin = serverBinaries();
const running: StoreProcess[] = [];
let cluster: PrivateCluster | undefined;

afterEach(() => {
  for (const proc of running.splice(0)) proc.child.kill("SIGKILL");
  cluster?.destroy();
  cluster = undefined;
});

describe("PostgresStore: PostgreSQL restarted mid-run", () => {
  it.skipIf(bin === undefined)(
    "every process reconnects and carries on; every acknowledged delivery arrives (skipped only without initdb/pg_ctl: install Debian's postgresql)",
    async () => {
      cluster = await startPrivateCluster(bin as string);
      const { url } = cluster;
      const receiver = await startRecordingReceiver();
      const EVENTS = 200;
      const start = (proc: number) =>
        startStoreProcess({
          url,
          schema: "attesta",
          base: receiver.base,
          proc,
          events: EVENTS,
          leaseMs: 1000,
          pauseMs: 400,
        });
      running.push(start(0));
      await until(() => (running[0]?.lines.length ?? 0) > 0, 30_000, 50);
      running.push(start(1));
      await until(() => running.every((p) => p.acked >= 40), 60_000, 50);

      cluster.stop();
      const ackedAtStop = running.map((p) => p.acked);
      const receivedAtStop = receiver.received.length;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      cluster.start();

      // Both carry on: more events acknowledged after the restart, then all of them.
      await until(
        () => running.every((p) => p.sent),
        120_000,
        50,
        () => running.map((p) => p.lines.slice(-4).join(" | ")).join("\n"),
      );
      expect(ackedAtStop.some((acked) => acked < EVENTS - 1)).toBe(true);
      expect(running.map((p) => p.acked)).toEqual(running.map(() => EVENTS - 1));
      const owed = new Set<string>();
      running.forEach((p, proc) => {
        for (let n = 0; n <= p.acked; n++)
          for (const e of ["e0", "e1", "e2"]) owed.add(`${proc}:${n}:${e}`);
      });
      const seen = () => new Set(receiver.received.map((r) => `${r.p}:${r.n}:${r.endpoint}`));
      const missing = () => [...owed].filter((key) => !seen().has(key));
      await until(
        () => missing().length === 0,
        200_000,
        50,
        () => neverArrived(missing()),
      );
      expect(receiver.received.length).toBeGreaterThan(receivedAtStop);
      expect(running.every((p) => p.child.exitCode === null)).toBe(true);
      const failed = running.map((p) => p.lines.filter((line) => line.startsWith("F ")).length);
      console.log(
        `restart run: ${owed.size} acknowledged deliveries, persisted() rejected ${failed.join("+")} time(s) while the server was down, ${receiver.received.length} requests`,
      );
      await receiver.close();
    },
    400_000,
  );
});
