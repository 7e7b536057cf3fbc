// The no-op task of the remote bench for BullMQ's sandboxed processor (a file BullMQ runs in a child process).
module.exports = async (job) => job.data;
