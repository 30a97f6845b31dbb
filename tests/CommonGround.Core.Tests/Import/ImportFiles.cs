namespace CommonGround.Tests.Import;

/// <summary>A temporary folder of input files that one test owns, and the shared public data sets.</summary>
public sealed class ImportFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cg-import-").FullName;

    public string Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// A file of the public data sets kept beside the repository (../shared/data from the folder that
    /// holds CommonGround.slnx); skips the test when they are not there.
    /// </summary>
    public static string SharedData(string relativePath)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CommonGround.slnx"))) dir = dir.Parent;
        if (dir?.Parent is null) Assert.Skip("Cannot find the repository root (the folder with CommonGround.slnx).");
        var path = Path.Combine(dir.Parent!.FullName, "shared", "data", relativePath);
        if (!File.Exists(path)) Assert.Skip($"The public data file {relativePath} is not in ../shared/data beside the repository.");
        return path;
    }
}
