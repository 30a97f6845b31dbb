using System.Text.Json;
using System.Text.Json.Serialization;
using CommonGround.Access;
using CommonGround.Storage;

namespace CommonGround.Cli.Demo;

/// <summary>The demo's admin key and the web shop's write key, as printed on every start.</summary>
public sealed record DemoKeys(string AdminKey, string WriteKey);

/// <summary>
/// Keeps the demo's keys in <c>demo-workspace.json</c> in the data folder, so that every start can
/// print them again.
/// </summary>
/// <remarks>
/// Storing an admin secret in a plain file is acceptable only because this is a local demo with
/// made-up data: the store itself keeps only the key's hash, as for every other key. A real workspace
/// gets its keys from <c>commonground keys create</c>, shown once. The file is readable by its owner only.
/// With PostgreSQL the file still lives in --data: the workspace is in the database, the keys on this machine.
/// </remarks>
public static class DemoKeyFile
{
    public const string FileName = "demo-workspace.json";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>
    /// The keys to print: the fresh admin key when the workspace was just created, else the one in the
    /// file while the store still accepts it, else a new one (the file was lost, or the key revoked).
    /// The write key always comes from the store. The file is (re)written when anything changed.
    /// </summary>
    public static async Task<DemoKeys> EnsureAsync(IStore store, DemoWorkspaceResult workspace, string path, TimeProvider time,
        CancellationToken ct)
    {
        var saved = await ReadAsync(path, ct);
        var adminKey = workspace.AdminKey;
        if (adminKey is null && saved?.AdminKey is { Length: > 0 } known
            && await store.ApiKeys.FindBySecretHashAsync(Secrets.Hash(known), ct) is { IsActive: true, Role: ApiKeyRole.Admin })
        {
            adminKey = known;
        }
        if (adminKey is null)
        {
            var (key, secret) = Secrets.MintApiKey(ApiKeyRole.Admin, null, DemoWorkspace.AdminKeyName + " (re-issued)", time.GetUtcNow());
            await store.ApiKeys.AddAsync(key, ct);
            adminKey = secret;
        }
        var keys = new DemoKeys(adminKey, workspace.WriteKey);
        if (saved is null || saved.AdminKey != keys.AdminKey || saved.WriteKey != keys.WriteKey)
            await WriteAsync(path, keys, time, ct);
        return keys;
    }

    static async Task<KeyFile?> ReadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<KeyFile>(stream, Json, ct);
        }
        catch (JsonException)
        {
            // A damaged file only costs a new admin key; the workspace itself is in the store.
            return null;
        }
    }

    static async Task WriteAsync(string path, DemoKeys keys, TimeProvider time, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var file = new KeyFile(
            "Keys of the local CommonGround demo workspace (made-up data). Do not reuse this file or these keys for real data: " +
            "create real keys with `commonground keys create`.",
            keys.AdminKey, keys.WriteKey, DemoWorkspace.WebSourceName, time.GetUtcNow());
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var stream = new FileStream(path, options);
        await JsonSerializer.SerializeAsync(stream, file, Json, ct);
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    sealed record KeyFile(
        [property: JsonPropertyName("_comment")] string? Comment,
        string AdminKey,
        string WriteKey,
        string WriteKeySource,
        DateTimeOffset SavedAt);
}
