using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;

namespace CommonGround.Web.Components;

/// <summary>
/// The UI's own files (wwwroot), served from the assembly's embedded resources, so they are there
/// whichever program hosts the web app (the CLI's <c>serve</c> and <c>demo</c>, the tests). URLs
/// carry a hash of the content, so a browser may cache them for good.
/// </summary>
public static class UiAssets
{
    static readonly EmbeddedFileProvider Embedded = new(typeof(UiAssets).Assembly, "CommonGround.Web.wwwroot");

    public static IFileProvider Files => Embedded;

    /// <summary>The stylesheet's URL, with its version.</summary>
    public static string Stylesheet { get; } = Versioned("/app.css");

    public static string Icon { get; } = Versioned("/favicon.svg");

    /// <summary>The framework's script that connects interactive pages to the server (embedded from the ASP.NET Core package at build time).</summary>
    public static string BlazorScript { get; } = Versioned("/_framework/blazor.web.js");

    /// <summary>The audience editor's few lines of script: selecting the spot of an error in the rule's text.</summary>
    public static string AudienceEditorScript { get; } = Versioned("/audience-editor.js");

    public static StaticFileOptions StaticFiles { get; } = new()
    {
        FileProvider = Embedded,
        OnPrepareResponse = file => file.Context.Response.Headers.CacheControl =
            file.Context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache",
    };

    static string Versioned(string path)
    {
        var file = Embedded.GetFileInfo(path);
        if (!file.Exists) throw new InvalidOperationException($"The UI file {path} is not embedded in the assembly.");
        using var content = file.CreateReadStream();
        return path + "?v=" + Convert.ToHexStringLower(SHA256.HashData(content))[..12];
    }
}
