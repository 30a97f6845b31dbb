var app = WebApplication.CreateBuilder(args).Build();
app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
await app.RunAsync();
