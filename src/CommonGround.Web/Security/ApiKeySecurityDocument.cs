using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CommonGround.Web.Security;

/// <summary>Tells OpenAPI readers how to authenticate: bearer API keys for /api, Basic write keys for /v1.</summary>
sealed class ApiKeySecurityDocument : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "CommonGround API";
        document.Info.Description =
            "/v1/* is the Segment-compatible tracking API: HTTP Basic with the source's write key as user name. " +
            "/api/* needs 'Authorization: Bearer <api key>' (`commonground keys create`).";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key from `commonground keys create`.",
        };
        document.Components.SecuritySchemes["writeKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "The source's write key as user name, empty password.",
        };
        return Task.CompletedTask;
    }
}
