using System.Text.Json.Serialization;
using CommonGround.Access;
using CommonGround.ContactPolicy;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Components;
using CommonGround.Web.Endpoints;
using CommonGround.Web.Security;
using Microsoft.Extensions.Options;

namespace CommonGround.Web.Hosting;

/// <summary>
/// Composes the one web host: the Segment-compatible tracking API (<c>/v1/*</c>), the admin API
/// (<c>/api/*</c>, bearer keys), the web UI (every other page, a session cookie after signing in with
/// an API key), health and the OpenAPI document. The CLI's <c>serve</c> and the tests start it the same way.
/// </summary>
public static class CommonGroundApp
{
    /// <summary>Environment variable whose value, set at start, becomes an admin key (for automation).</summary>
    public const string AdminKeyVariable = "COMMONGROUND_ADMIN_KEY";

    /// <param name="args">Command-line configuration (--urls, --Store:Provider=postgres, ...).</param>
    /// <param name="configure">Last say over the builder (tests use it for their own settings).</param>
    /// <param name="store">An already open store to serve (tests); otherwise the configured one is opened.</param>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null,
        IStore? store = null, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Framework chatter (per-request logs, data-protection notices) drowns what operators need.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Its only logs are per request (below Warning), yet while it may log it opens a log scope and an
        // Activity for every request; errors are logged by the exception handler and Kestrel.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        configure?.Invoke(builder);

        var storeOptions = Bind<StoreOptions>(builder.Configuration, StoreOptions.Section);
        var ingestionOptions = Bind<IngestionOptions>(builder.Configuration, IngestionOptions.Section);
        var identityOptions = Bind<IdentityOptions>(builder.Configuration, IdentityOptions.Section);
        var householdOptions = Bind<HouseholdOptions>(builder.Configuration, HouseholdOptions.Section);
        store ??= await StoreFactory.OpenAsync(storeOptions, ct);
        await SeedAdminKeyAsync(store, builder.Configuration[AdminKeyVariable], TimeProvider.System, ct);

        var services = builder.Services;
        services.AddSingleton(storeOptions);
        services.AddSingleton(ingestionOptions);
        // A factory registration, so the container disposes the store, after everything that uses it.
        services.AddSingleton<IStore>(_ => store);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new SegmentPayloadReader(ingestionOptions));
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<SourceDirectory>();
        services.AddSingleton<ApiKeyDirectory>();
        services.AddSingleton<TrackingEndpoints.TrackingHandler>();
        services.AddSingleton(identityOptions);
        services.AddSingleton(householdOptions);
        services.AddSingleton(sp => new IdentityResolver(sp.GetRequiredService<IStore>(), identityOptions, householdOptions, sp.GetRequiredService<TimeProvider>()));
        if (identityOptions.Resolve) services.AddHostedService<IdentityResolution>();
        services.AddContactPolicy(Bind<ContactFactsCacheOptions>(builder.Configuration, ContactPolicyHosting.FactsSection));
        await services.AddConfiguredContactLedgerAsync(builder.Configuration);

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            o.SerializerOptions.Converters.Add(new ProfileIdJsonConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddApiKeyAuthentication();
        services.AddUiAuthentication();
        services.AddUiCircuits();
        services.AddOpenApi(o => o.AddDocumentTransformer<ApiKeySecurityDocument>());
        services.AddCors(o => o.AddPolicy(TrackingEndpoints.CorsPolicy, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods("POST")));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(UiHeaders.NoSniffAsync);
        // The web UI's own middleware; the APIs (the busiest paths: decisions, events) skip it.
        app.UseWhen(http => UiHeaders.IsUiPath(http.Request.Path), ui =>
        {
            // A browser gets a page for an error without one (an unknown address); the APIs keep their problem bodies.
            ui.UseWhen(http => HttpMethods.IsGet(http.Request.Method),
                get => get.UseStatusCodePagesWithReExecute(StatusPath, "?code={0}", createScopeForStatusCodePages: true));
            ui.Use(UiHeaders.AddAsync);
            ui.Use(UiCircuits.RefuseOtherOriginsAsync);
            ui.UseStaticFiles(UiAssets.StaticFiles);
        });
        // Explicit, after the status pages: a re-executed request must be routed again.
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapGet("/healthz", (IStore s) => TypedResults.Ok(new HealthResponse("ok", s.Provider)))
            .WithTags("Health").WithName("Health").AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapTrackingEndpoints();
        app.MapSourceEndpoints();
        app.MapKeyEndpoints();
        app.MapEventEndpoints();
        app.MapCatalogEndpoints();
        app.MapProfileEndpoints();
        app.MapAudienceEndpoints();
        app.MapCampaignEndpoints();
        app.MapContactPolicyEndpoints();
        app.MapSuppressionListEndpoints();
        app.MapUiSessionEndpoints();
        app.MapUi<App>();
        return app;
    }

    const string StatusPath = "/status";

    static T Bind<T>(IConfiguration configuration, string section) where T : class, new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(T),
                results.Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
        return options;
    }

    /// <summary>Adds the admin key given at start, once; a key already present is left as it is.</summary>
    public static async Task SeedAdminKeyAsync(IStore store, string? secret, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(secret)) return;
        if (secret.Length < 16)
            throw new OptionsValidationException(AdminKeyVariable, typeof(string), [$"{AdminKeyVariable} must be at least 16 characters long."]);
        if (await store.ApiKeys.FindBySecretHashAsync(Secrets.Hash(secret), ct) is not null) return;
        await store.ApiKeys.AddAsync(
            Secrets.SeededApiKey("seed-" + Secrets.NewId()[..6], secret, ApiKeyRole.Admin, null, "from " + AdminKeyVariable,
                time.GetUtcNow()), ct);
    }
}

public sealed record HealthResponse(string Status, string Store);
