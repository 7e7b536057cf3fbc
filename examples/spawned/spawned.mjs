// The child of spawner.mjs (travetto's names, through workforcejs/compat): answers every 'request' with the double of its data.
import { ChildChannel } from 'workforcejs/compat'; // travetto's listenFor

const exec = new ChildChannel();

exec.listenFor('request', (data) => {
  exec.send('response', { data: data.data + data.data }); // When data is received, return double
});

exec.send('ready'); // Indicate the child is ready to receive requests
// No keep-alive timer: the channel holds the process open while it has listeners.
