import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../../scripts/kafka/kafka.sh", import.meta.url));

export interface KafkaBroker {
  brokers: string[];
  /** Gives the broker back; the last holder stops it if a test started it. */
  release(): Promise<void>;
}

/**
 * The broker a Kafka suite runs against: KAFKA_BROKERS when set (CI starts it
 * with scripts/kafka/kafka.sh), else one started through that script and
 * shared by every test process through leases. Without Java the Kafka suites
 * skip (null) — except with CI=true, where that is an error.
 *
 * @example const broker = await acquireKafkaBroker(); describe.skipIf(!broker)(...)
 */
export async function acquireKafkaBroker(): Promise<KafkaBroker | null> {
  const fromEnv = process.env.KAFKA_BROKERS?.trim();
  if (fromEnv) return { brokers: fromEnv.split(",").map((broker) => broker.trim()), release: async () => {} };
  const missing = !(await javaAvailable()) ? "Java" : !(await jarsAvailable()) ? "Maven (to fetch the broker's jars)" : null;
  if (missing) {
    if (process.env.CI === "true") {
      throw new Error(`CI=true: the Kafka suites must run, but KAFKA_BROKERS is not set and there is no ${missing} to start a broker`);
    }
    console.warn(`Kafka suites skipped: no ${missing} (install Java 17+ and Maven, or set KAFKA_BROKERS=host:port)`);
    return null;
  }
  const holder = String(process.pid);
  // Cold, the first lease downloads ~55 MB of jars through Maven.
  const { stdout } = await run("bash", [script, "lease", holder], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  const brokers = /^KAFKA_BROKERS=(.+)$/m.exec(stdout)?.[1];
  if (!brokers) throw new Error(`scripts/kafka/kafka.sh lease printed no KAFKA_BROKERS: ${stdout}`);
  return {
    brokers: brokers.split(","),
    release: async () => {
      await run("bash", [script, "release", holder], { timeout: 120_000 });
    },
  };
}

async function jarsAvailable(): Promise<boolean> {
  if (existsSync(fileURLToPath(new URL("../../../.cache/kafka/libs/.resolved", import.meta.url)))) return true;
  return succeeds("mvn", ["--version"]);
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function javaAvailable(): Promise<boolean> {
  const candidates = [process.env.KAFKA_JAVA_HOME, "/usr/lib/jvm/java-17-openjdk-amd64", process.env.JAVA_HOME]
    .filter((home): home is string => Boolean(home))
    .map((home) => `${home}/bin/java`);
  return candidates.some((java) => existsSync(java)) || succeeds("java", ["-version"]);
}

/** Reads a topic with Kafka's own ConsoleConsumer (an outside consumer); returns the values, one per record. */
export async function readWithConsoleConsumer(options: { brokers: string[]; topic: string; maxMessages: number; timeoutMs?: number }): Promise<string[]> {
  const args = [
    script,
    "console-consumer",
    "--bootstrap-server",
    options.brokers.join(","),
    "--topic",
    options.topic,
    "--from-beginning",
    "--max-messages",
    String(options.maxMessages),
    "--timeout-ms",
    String(options.timeoutMs ?? 20_000),
  ];
  const { stdout } = await run("bash", args, { timeout: (options.timeoutMs ?? 20_000) + 60_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout.split("\n").filter((line) => line.trim().length > 0);
}
