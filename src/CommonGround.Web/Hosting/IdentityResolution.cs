using CommonGround.Identity;

namespace CommonGround.Web.Hosting;

/// <summary>
/// Runs the identity resolver in the server: catches up at start, then every
/// <see cref="IdentityOptions.ResolveEvery"/>, and saves a checkpoint when the server stops.
/// Resolution problems are logged (without personal data) and retried; they never stop the server.
/// </summary>
sealed class IdentityResolution(IdentityResolver resolver, IdentityOptions options, ILogger<IdentityResolution> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var resolved = await resolver.CatchUpAsync(null, stoppingToken);
                if (resolved > 0) logger.LogInformation("Identity resolution took in {Count} events and records (through sequence {Through}).", resolved, resolver.Through);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The message may quote identifier values (personal data): log the kind of failure only.
                logger.LogError("Identity resolution failed and will be retried: {Error} at {Site}", ex.GetType().Name, ex.TargetSite?.Name);
            }
            try
            {
                await Task.Delay(options.ResolveEvery, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await resolver.CheckpointAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not save the identity checkpoint at shutdown; the next start replays from the previous one: {Error}", ex.GetType().Name);
        }
    }
}
