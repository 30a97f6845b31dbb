using System.Threading.Channels;
using CommonGround.Storage;
using Microsoft.Extensions.Logging;

namespace CommonGround.ContactPolicy;

/// <summary>
/// Group commit for the contact policy's journal (<see cref="IContactPolicyStore.AppendJournalAsync"/>):
/// concurrent callers hand their ledger changes in, one writer takes everything waiting (up to
/// <see cref="MaxPerCommit"/>), stores it in one transaction, and only then completes each caller's
/// task. So a thousand decisions cost a handful of commits, and an answer given after
/// <c>WriteAsync</c> means "committed": ledger changes and held-back decisions alike. Thread-safe.
/// </summary>
public sealed class ContactJournal : IAsyncDisposable
{
    public const int MaxPerCommit = 8_192;

    readonly IContactPolicyStore _store;
    readonly ILogger _logger;
    readonly Channel<Pending> _queue;
    readonly Task _writer;

    public ContactJournal(IContactPolicyStore store, ILogger<ContactJournal> logger)
    {
        _store = store;
        _logger = logger;
        // Bounded, so a store slower than the callers pushes back instead of filling memory.
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes once the change is committed.</summary>
    /// <exception cref="StoreUnavailableException">The store refused the write.</exception>
    public Task WriteAsync(LedgerChange change) => EnqueueAsync(new Pending(change, null));

    /// <summary>Completes once the held-back decision is committed.</summary>
    /// <exception cref="StoreUnavailableException">The store refused the write.</exception>
    public Task WriteAsync(HeldBackDecision decision) => EnqueueAsync(new Pending(null, decision));

    /// <summary>
    /// Hands a held-back decision to the next commit without waiting for it: the decision log explains,
    /// it does not count, so a "deny" need not wait for the disk. Waits only when the queue is full.
    /// </summary>
    public ValueTask LogAsync(HeldBackDecision decision) => _queue.Writer.WriteAsync(new Pending(null, decision, Awaited: false));

    /// <summary>Completes once everything handed in before it, logged decisions included, is committed.</summary>
    public Task FlushAsync() => EnqueueAsync(new Pending(null, null));

    async Task EnqueueAsync(Pending pending)
    {
        await _queue.Writer.WriteAsync(pending);
        await pending.Done.Task;
    }

    async Task WriteLoopAsync()
    {
        var group = new List<Pending>();
        var changes = new List<LedgerChange>();
        var heldBack = new List<HeldBackDecision>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            changes.Clear();
            heldBack.Clear();
            var awaited = false;
            while (group.Count < MaxPerCommit && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                awaited |= next.Awaited;
                if (next.Change is { } change) changes.Add(change);
                if (next.HeldBack is { } decision) heldBack.Add(decision);
            }
            try
            {
                // Only logged decisions: nobody waits, so the store need not wait for the disk either.
                if (awaited) await _store.AppendJournalAsync(changes, heldBack, CancellationToken.None);
                else await _store.LogHeldBackAsync(heldBack, CancellationToken.None);
                foreach (var p in group) p.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                _logger.LogError("Writing {Changes} ledger changes and {HeldBack} held-back decisions failed: {Error}; those requests were refused.",
                    changes.Count, heldBack.Count, ex.GetType().Name);
                var refusal = new StoreUnavailableException("The contact ledger could not be written; nothing was decided. Retry later.", ex);
                foreach (var p in group) p.Done.TrySetException(refusal);
            }
        }
    }

    /// <summary>Stops taking changes and writes what is waiting.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    sealed record Pending(LedgerChange? Change, HeldBackDecision? HeldBack, bool Awaited = true)
    {
        public TaskCompletionSource Done { get; } = Awaited ? new(TaskCreationOptions.RunContinuationsAsynchronously) : NotAwaited;

        // Completed, so the writer's TrySetResult/TrySetException on it change nothing.
        static readonly TaskCompletionSource NotAwaited = Completed();

        static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource();
            done.SetResult();
            return done;
        }
    }
}
