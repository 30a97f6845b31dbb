using System.Diagnostics;
using System.Threading.Channels;
using CommonGround.Catalog;
using CommonGround.Storage;
using Microsoft.Extensions.Logging;

namespace CommonGround.Events;

/// <summary>
/// Group commit for arriving events. Concurrent requests hand their events in; one writer takes
/// everything waiting (up to <see cref="IngestionOptions.MaxEventsPerCommit"/>), stores it in one
/// transaction, and only then completes each request's task. So an acknowledgement always means
/// "committed", and a thousand small requests cost a handful of commits instead of a thousand.
/// </summary>
/// <remarks>
/// Catalog observations are merged in memory and written at most once a second, off the
/// acknowledgement path: the catalog describes the data, it is not the data. Thread-safe.
/// </remarks>
public sealed class EventIngestion : IAsyncDisposable
{
    static readonly TimeSpan CatalogFlushInterval = TimeSpan.FromSeconds(1);

    readonly IStore _store;
    readonly IngestionOptions _options;
    readonly ILogger _logger;
    readonly Channel<Pending> _queue;
    readonly Task _writer;
    readonly List<CatalogObservation> _observations = [];
    readonly Stopwatch _sinceCatalogFlush = Stopwatch.StartNew();

    public EventIngestion(IStore store, IngestionOptions options, ILogger<EventIngestion> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        // Bounded, so a store slower than the network pushes back on clients instead of filling memory.
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(4_096)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Completes once the events are committed (retried messageIds are skipped, not an error).</summary>
    /// <exception cref="StoreUnavailableException">The store refused the write; nothing of this call is acknowledged.</exception>
    public async Task IngestAsync(IReadOnlyList<TrackedEvent> events, IReadOnlyCollection<CatalogObservation> observations,
        CancellationToken ct)
    {
        if (events.Count == 0) return;
        var pending = new Pending(events, observations);
        await _queue.Writer.WriteAsync(pending, ct);
        await pending.Done.Task.WaitAsync(ct);
    }

    async Task WriteLoopAsync()
    {
        var group = new List<Pending>();
        var events = new List<TrackedEvent>();
        while (true)
        {
            var ready = _queue.Reader.WaitToReadAsync().AsTask();
            if (_observations.Count > 0 && !ready.IsCompleted)
            {
                // Quiet moment: let the catalog catch up rather than wait for the next request.
                var due = CatalogFlushInterval - _sinceCatalogFlush.Elapsed;
                if (due <= TimeSpan.Zero || await Task.WhenAny(ready, Task.Delay(due)) != ready) await FlushCatalogAsync();
            }
            if (!await ready) break;
            group.Clear();
            events.Clear();
            while (events.Count < _options.MaxEventsPerCommit && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
                events.AddRange(next.Events);
            }
            try
            {
                await _store.Events.AppendAsync(events, CancellationToken.None);
                foreach (var p in group)
                {
                    _observations.AddRange(p.Observations);
                    p.Done.TrySetResult();
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Storing {Count} events failed; {Requests} requests were refused and may be retried.",
                    events.Count, group.Count);
                var refusal = new StoreUnavailableException("The events could not be stored; nothing was acknowledged. Retry later.", ex);
                foreach (var p in group) p.Done.TrySetException(refusal);
            }
            if (_sinceCatalogFlush.Elapsed >= CatalogFlushInterval) await FlushCatalogAsync();
        }
        await FlushCatalogAsync();
    }

    async Task FlushCatalogAsync()
    {
        _sinceCatalogFlush.Restart();
        if (_observations.Count == 0) return;
        var merged = CatalogObservations.Merge(_observations)
            .Select(m => new CatalogObservation(m.Key, m.ValueType, m.Team, m.LooksPersonal, m.Count, m.LastSeen))
            .ToList();
        _observations.Clear();
        try
        {
            await _store.Catalog.ObserveAsync(merged, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The events are safe; only the catalog's counters lag. Say so, and carry on.
            _logger.LogWarning(ex, "Updating the catalog with {Count} fields failed.", merged.Count);
        }
    }

    /// <summary>Stops taking events, writes what is waiting, and flushes the catalog.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    sealed record Pending(IReadOnlyList<TrackedEvent> Events, IReadOnlyCollection<CatalogObservation> Observations)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
