/**
 * The saga's store in memory, behind the same port as PostgreSQL: a unit of
 * work stages its changes and commits them only when it completes, like a
 * transaction. Drives the property test at thousands of steps per second.
 */
import type { Money } from "../../../workers/billing/domain/providers/payment-provider.ts";
import type { SagaState } from "./decide.ts";
import type { SagaEvent, SagaStore } from "./run-step.ts";

export interface MemoryRefund {
  subscriptionId: string;
  paymentId: string;
  amount: Money;
}

interface Snapshot {
  subscriptions: Map<string, SagaState>;
  steps: Set<string>;
  events: SagaEvent[];
  refunds: Map<string, MemoryRefund>;
}

export class MemorySagaStore {
  private data: Snapshot = { subscriptions: new Map(), steps: new Set(), events: [], refunds: new Map() };

  get subscriptions(): ReadonlyMap<string, SagaState> {
    return this.data.subscriptions;
  }
  get events(): readonly SagaEvent[] {
    return this.data.events;
  }
  get refunds(): ReadonlyMap<string, MemoryRefund> {
    return this.data.refunds;
  }

  /** Outside the saga: what POST /subscribe writes. */
  put(state: SagaState): void {
    this.data.subscriptions.set(state.id, state);
  }

  /** Runs `work` against a staged copy; its changes replace the data only if it resolves. */
  async unit<T>(work: (store: SagaStore) => Promise<T>): Promise<T> {
    const staged: Snapshot = {
      subscriptions: new Map(this.data.subscriptions),
      steps: new Set(this.data.steps),
      events: [...this.data.events],
      refunds: new Map(this.data.refunds),
    };
    const result = await work({
      async load(id) {
        return staged.subscriptions.get(id) ?? null;
      },
      async markStep(id, step) {
        const key = `${id}/${step}`;
        if (staged.steps.has(key)) return false;
        staged.steps.add(key);
        return true;
      },
      async save(next) {
        staged.subscriptions.set(next.id, next);
      },
      async publish(event) {
        staged.events.push(event);
      },
      async requestRefund(subscriptionId, paymentId, amount) {
        if (!staged.refunds.has(paymentId)) staged.refunds.set(paymentId, { subscriptionId, paymentId, amount });
      },
    });
    this.data = staged;
    return result;
  }
}
