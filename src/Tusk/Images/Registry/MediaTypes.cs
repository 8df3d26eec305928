namespace Tusk.Images.Registry;

/// <summary>
/// Manifest media types. Every request lists all four: distribution 2.8 answers 404 "OCI manifest
/// found, but accept header does not support OCI manifests" to a client that asks only for Docker's.
/// </summary>
public static class MediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    public static readonly string[] Manifests = [OciIndex, DockerList, OciManifest, DockerManifest];

    public static bool IsIndex(string mediaType) => mediaType is OciIndex or DockerList;
}
