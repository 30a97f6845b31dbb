using System.IO.Compression;
using System.Text;

namespace CommonGround.Identity;

/// <summary>
/// A compact binary form of <see cref="IdentityGraphState"/>, so a checkpoint of a graph with
/// millions of identifiers is written and read in seconds: identifiers are written once and
/// referred to by their position, strings are length-prefixed UTF-8, the whole is Brotli-compressed.
/// </summary>
/// <remarks>
/// The first bytes name the format and its version; a reader refuses a version it does not know
/// rather than guessing. Stateless; thread-safe.
/// </remarks>
public static class IdentitySnapshot
{
    static ReadOnlySpan<byte> Magic => "CGIDSNAP"u8;
    const int Version = 1;

    public static byte[] Write(IdentityGraphState state)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        buffer.Write(BitConverter.GetBytes(Version));
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(brotli, Encoding.UTF8, leaveOpen: true))
        {
            var index = new Dictionary<Identifier, int>(state.Identifiers.Count);
            w.Write(state.Identifiers.Count);
            foreach (var i in state.Identifiers)
            {
                index[i.Identifier] = index.Count;
                w.Write(i.Identifier.Type);
                w.Write(i.Identifier.Value);
                w.Write(i.Profile?.Value ?? 0L);
            }
            int Ref(Identifier identifier)
            {
                if (index.TryGetValue(identifier, out var position)) return position;
                throw new InvalidDataException($"The graph state refers to an identifier of type '{identifier.Type}' that it does not list.");
            }

            w.Write(state.Profiles.Count);
            foreach (var p in state.Profiles)
            {
                w.Write(p.Id.Value);
                WriteTime(w, p.CreatedAt);
                w.Write(p.FoundingObservation);
                w.Write(p.MergedInto?.Value ?? 0L);
                w.Write(p.Retired);
            }
            w.Write(state.Observations.Count);
            foreach (var o in state.Observations)
            {
                w.Write(o.Sequence);
                WriteEvidence(w, o.Evidence);
                WriteTime(w, o.Time);
                w.Write(o.Identifiers.Count);
                foreach (var i in o.Identifiers) w.Write(Ref(i));
            }
            w.Write(state.Merges.Count);
            foreach (var m in state.Merges)
            {
                w.Write(m.Id);
                w.Write(m.Survivor.Value);
                w.Write(m.Absorbed.Value);
                w.Write(Ref(m.Identifier));
                WriteEvidence(w, m.Evidence);
                WriteTime(w, m.Time);
                w.Write(m.Observation);
                w.Write((byte)m.Status);
                w.Write(m.UndoneAt.HasValue);
                if (m.UndoneAt is { } undoneAt) WriteTime(w, undoneAt);
                w.Write(m.UndoneBy ?? 0L);
            }
            w.Write(state.Conflicts.Count);
            foreach (var c in state.Conflicts)
            {
                w.Write(c.Profile.Value);
                w.Write(c.Other?.Value ?? 0L);
                w.Write(Ref(c.Identifier));
                WriteEvidence(w, c.Evidence);
                WriteTime(w, c.Time);
                w.Write((byte)c.Reason);
                w.Write(c.Type ?? "");
            }
            w.Write(state.Blocks.Count);
            foreach (var b in state.Blocks)
            {
                w.Write(b.MergeId);
                w.Write(b.Survivor.Value);
                w.Write(b.Absorbed.Value);
                w.Write(Ref(b.Identifier));
                w.Write(b.FromObservation);
            }
            w.Write(state.JunkIgnored);
            w.Write(state.InvalidIgnored);
        }
        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a snapshot of a version this build reads.</exception>
    public static IdentityGraphState Read(byte[] snapshot)
    {
        if (snapshot.Length < Magic.Length + 4 || !snapshot.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException("This is not an identity graph snapshot.");
        var version = BitConverter.ToInt32(snapshot, Magic.Length);
        if (version != Version)
            throw new InvalidDataException($"The identity graph snapshot has format version {version}; this build reads version {Version}.");
        using var buffer = new MemoryStream(snapshot, Magic.Length + 4, snapshot.Length - Magic.Length - 4);
        using var brotli = new BrotliStream(buffer, CompressionMode.Decompress);
        using var r = new BinaryReader(brotli, Encoding.UTF8);
        try
        {
            var identifiers = new IdentifierState[r.ReadInt32()];
            for (var i = 0; i < identifiers.Length; i++)
                identifiers[i] = new IdentifierState(new Identifier(r.ReadString(), r.ReadString()), Profile(r.ReadInt64()));
            Identifier At(int position) => identifiers[position].Identifier;

            var profiles = new ProfileState[r.ReadInt32()];
            for (var i = 0; i < profiles.Length; i++)
                profiles[i] = new ProfileState(new ProfileId(r.ReadInt64()), ReadTime(r), r.ReadInt64(), Profile(r.ReadInt64()), r.ReadBoolean());
            var observations = new ObservationState[r.ReadInt32()];
            for (var i = 0; i < observations.Length; i++)
            {
                var sequence = r.ReadInt64();
                var evidence = ReadEvidence(r);
                var time = ReadTime(r);
                var ids = new Identifier[r.ReadInt32()];
                for (var j = 0; j < ids.Length; j++) ids[j] = At(r.ReadInt32());
                observations[i] = new ObservationState(sequence, evidence, time, ids);
            }
            var merges = new MergeRecord[r.ReadInt32()];
            for (var i = 0; i < merges.Length; i++)
            {
                var id = r.ReadInt64();
                var survivor = new ProfileId(r.ReadInt64());
                var absorbed = new ProfileId(r.ReadInt64());
                var identifier = At(r.ReadInt32());
                var evidence = ReadEvidence(r);
                var time = ReadTime(r);
                var observation = r.ReadInt64();
                var status = (MergeStatus)r.ReadByte();
                DateTimeOffset? undoneAt = r.ReadBoolean() ? ReadTime(r) : null;
                var undoneBy = r.ReadInt64();
                merges[i] = new MergeRecord(id, survivor, absorbed, identifier, evidence, time, observation, status, undoneAt, undoneBy == 0 ? null : undoneBy);
            }
            var conflicts = new IdentityConflict[r.ReadInt32()];
            for (var i = 0; i < conflicts.Length; i++)
            {
                var profile = new ProfileId(r.ReadInt64());
                var other = Profile(r.ReadInt64());
                var identifier = At(r.ReadInt32());
                var evidence = ReadEvidence(r);
                var time = ReadTime(r);
                var reason = (ConflictReason)r.ReadByte();
                var type = r.ReadString();
                conflicts[i] = new IdentityConflict(profile, other, identifier, evidence, time, reason, type.Length == 0 ? null : type);
            }
            var blocks = new MergeBlock[r.ReadInt32()];
            for (var i = 0; i < blocks.Length; i++)
                blocks[i] = new MergeBlock(r.ReadInt64(), new ProfileId(r.ReadInt64()), new ProfileId(r.ReadInt64()), At(r.ReadInt32()), r.ReadInt64());
            return new IdentityGraphState(profiles, identifiers, observations, merges, conflicts, blocks, r.ReadInt64(), r.ReadInt64());
        }
        catch (Exception ex) when (ex is EndOfStreamException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException("The identity graph snapshot is truncated or damaged.", ex);
        }
    }

    static ProfileId? Profile(long value) => value == 0 ? null : new ProfileId(value);

    static void WriteTime(BinaryWriter w, DateTimeOffset time) => w.Write(time.UtcTicks);

    static DateTimeOffset ReadTime(BinaryReader r) => new(r.ReadInt64(), TimeSpan.Zero);

    static void WriteEvidence(BinaryWriter w, EvidenceReference e)
    {
        w.Write((byte)e.Kind);
        w.Write(e.SourceId);
        w.Write(e.Key);
    }

    static EvidenceReference ReadEvidence(BinaryReader r) => new((EvidenceKind)r.ReadByte(), r.ReadString(), r.ReadString());
}
