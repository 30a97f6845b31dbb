using CommonGround.Events;
using CommonGround.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace CommonGround.Web.Hosting;

/// <summary>
/// The one place domain exceptions become HTTP answers, always application/problem+json with a
/// message a person can act on. Anything unforeseen is a 500 whose detail names no internals.
/// </summary>
sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, extensions) = exception switch
        {
            InvalidPayloadException e => (400, e.Title, string.Join("; ", e.Errors), Errors(e.Errors)),
            BadHttpRequestException e => (e.StatusCode, "The request could not be read.", e.Message, null),
            ConflictException e => (409, "That clashes with what exists.", e.Message, null),
            StoreUnavailableException e => (503, "The store is unavailable.", e.Message, null),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "The client went away.", "", null),
            _ => (500, "Something went wrong on our side.", "The error was logged; retry, and report it if it persists.", null),
        };
        if (status >= 500) logger.LogError(exception, "Request {Method} {Path} failed.", http.Request.Method, http.Request.Path);
        http.Response.StatusCode = status;
        if (status == 503) http.Response.Headers.RetryAfter = "5";
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (extensions is not null) foreach (var (k, v) in extensions) problem.Extensions[k] = v;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    static Dictionary<string, object?> Errors(IReadOnlyList<PayloadError> errors) => new()
    {
        ["errors"] = errors.Select(e => new { index = e.Index, field = e.Field, message = e.Message }).ToArray(),
    };
}
