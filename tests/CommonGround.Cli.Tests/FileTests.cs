namespace CommonGround.Cli.Tests;

/// <summary>Tests that write input files: each test class instance has a folder of its own, removed afterwards.</summary>
public abstract class FileTests(string prefix) : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }

    protected string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }
}
