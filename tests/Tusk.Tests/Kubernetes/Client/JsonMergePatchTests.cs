using System.Text.Json.Nodes;
using Tusk.Kubernetes.Client;

namespace Tusk.Tests.Kubernetes.Client;

/// <summary>The merge patch the operator writes status with: new values, and null for what is gone, at any depth.</summary>
public sealed class JsonMergePatchTests
{
    [Fact]
    public void Keys_gone_at_any_depth_become_null_and_arrays_are_replaced_whole()
    {
        var before = JsonNode.Parse("""{"phase":"Ready","primary":"a","backups":{"running":{"id":"j1"},"repos":[{"name":"repo1"}]}}""")!.AsObject();
        var after = JsonNode.Parse("""{"phase":"Ready","backups":{"lastJob":{"id":"j1"},"repos":[]}}""")!.AsObject();

        var patch = JsonMergePatch.Between(before, after);

        Assert.Equal("""{"phase":"Ready","backups":{"lastJob":{"id":"j1"},"repos":[],"running":null},"primary":null}""", patch.ToJsonString());
    }

    [Fact]
    public void Without_a_previous_object_the_patch_is_the_new_object()
    {
        var after = JsonNode.Parse("""{"phase":"Creating","instances":[]}""")!.AsObject();
        Assert.True(JsonNode.DeepEquals(after, JsonMergePatch.Between(null, after)));
    }
}
