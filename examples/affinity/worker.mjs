// The worker of examples/affinity (probedjs's entry point: `workerEntrypoint(taskArg, client)`).
// A 'tree' task splits its range in two and queues each half as a nested task from inside the
// worker, down to leaves of one number; each leaf says which worker ran it.
export const workerEntrypoint = async (task, client) => {
  if (task.kind === 'leaf') {
    // a little CPU work per leaf, so that the other worker has time to steal queued leaves
    let x = 0;
    for (let i = 0; i < 2e5; i++) x = (x + i * task.n) % 1_000_003;
    return { sum: task.n, workers: [client.workerId], spin: x };
  }
  if (task.kind === 'tree') {
    const { from, to, strength } = task;
    if (from === to) return client.addTask({ kind: 'leaf', n: from }, { affinityStrength: strength });
    const mid = Math.floor((from + to) / 2);
    // nested tasks: light affinity to this worker by default, so an idle worker may steal them
    const halves = await Promise.all([
      client.addTask({ kind: 'tree', from, to: mid, strength }, { affinityStrength: strength }),
      client.addTask({ kind: 'tree', from: mid + 1, to, strength }, { affinityStrength: strength }),
    ]);
    return { sum: halves[0].sum + halves[1].sum, workers: [...halves[0].workers, ...halves[1].workers] };
  }
  if (task.kind === 'main') {
    // only reached with workerAffinity: 'main': the argument holds a function, which could not
    // be sent to a thread or process
    return `${task.format(6 * 7)} on ${client.workerId}`;
  }
  throw new Error(`unknown task kind ${task.kind}`);
};

workerEntrypoint.onWorkerStart = (client) => client.postMessageToPool('started', client.workerId);
