// The objects of examples/pulumi-yaml in TypeScript, with the typed SDK (@videokit/pulumi).
// Values that differ per stack come from stack config; the provider's own settings
// (videokit:endpoint or videokit:tenantName, videokit:tenantId, videokit:apiKey) do too.
import * as pulumi from "@pulumi/pulumi";
import * as videokit from "@videokit/pulumi";

const config = new pulumi.Config();
const channelName = config.get("channelName") ?? "main-stage";
const siteUrl = config.get("siteUrl") ?? "https://www.example.com";
const keyRole = config.get("keyRole") ?? "role-123";
const channelRunning = config.getBoolean("channelRunning") ?? false;
// An asset that already exists in the tenant (the emulator's seed has this one).
const promoAsset = config.get("promoAssetId") ?? "12345678-1234-1234-1234-123456789abc";

const mainStage = new videokit.Channel("mainStage", {
    name: channelName,
    running: channelRunning,
    redundancy: videokit.Redundancy.SingleInput,
    input: {
        type: "RTMP_PUSH",
        whitelistCidr: "0.0.0.0/0",
        inputLoss: { type: videokit.InputLossType.COLOR, color: "000000" },
    },
    endpoints: [{ type: "HlsDrm" }],
});

const keynote = new videokit.Event("keynote", {
    channelId: mainStage.id,
    start: "2030-06-01T09:00:00Z",
    end: "2030-06-01T10:00:00Z",
    title: "Keynote",
    tags: ["conference"],
});

const site = new videokit.AllowedDomain("site", { url: siteUrl });

const ci = new videokit.ApiKey("ci", {
    name: `ci-bot-${pulumi.getStack()}`,
    roleId: keyRole,
});

new videokit.AssetSettings("promoSettings", {
    assetId: promoAsset,
    analytics: videokit.Toggle.Disabled,
    cap: videokit.Toggle.Inherit,
});

export const ingestUrls = mainStage.ingestUrls;
export const playbackUrls = mainStage.playbackUrls;
export const keynoteStatus = keynote.status;
export const ciKeyRole = ci.roleName;
export const siteDomainId = site.id;
