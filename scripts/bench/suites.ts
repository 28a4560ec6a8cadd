/** Every benchmark suite, in report order. A new suite adds one line here. */
import { budgetsSuite } from "./budgets.ts";
import { clientSuite } from "./client.ts";
import { codecSuite } from "./codec.ts";
import { fleetSuite } from "./fleet.ts";
import type { BenchSuite } from "./measure.ts";

export const SUITES: BenchSuite[] = [codecSuite, clientSuite, budgetsSuite, fleetSuite];
