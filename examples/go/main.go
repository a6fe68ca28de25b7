// The objects of examples/pulumi-yaml in Go, with the typed SDK (sdk/go).
// Values that differ per stack come from stack config; the provider's own settings
// (videokit:endpoint or videokit:tenantName, videokit:tenantId, videokit:apiKey) do too.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/videokit/pulumi-videokit/sdk/go/videokit"
)

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		channelName := orDefault(cfg.Get("channelName"), "main-stage")
		siteURL := orDefault(cfg.Get("siteUrl"), "https://www.example.com")
		keyRole := orDefault(cfg.Get("keyRole"), "role-123")
		channelRunning := cfg.GetBool("channelRunning")
		// An asset that already exists in the tenant (the emulator's seed has this one).
		promoAsset := orDefault(cfg.Get("promoAssetId"), "12345678-1234-1234-1234-123456789abc")

		mainStage, err := videokit.NewChannel(ctx, "mainStage", &videokit.ChannelArgs{
			Name:       pulumi.String(channelName),
			Running:    pulumi.Bool(channelRunning),
			Redundancy: videokit.RedundancySingleInput,
			Input: &videokit.ChannelInputTypeArgs{
				Type:          pulumi.String("RTMP_PUSH"),
				WhitelistCidr: pulumi.String("0.0.0.0/0"),
				InputLoss: &videokit.InputLossArgs{
					Type:  videokit.InputLossTypeCOLOR,
					Color: pulumi.String("000000"),
				},
			},
			Endpoints: videokit.EndpointTypeArray{
				&videokit.EndpointTypeArgs{Type: pulumi.String("HlsDrm")},
			},
		})
		if err != nil {
			return err
		}

		keynote, err := videokit.NewEvent(ctx, "keynote", &videokit.EventArgs{
			ChannelId: mainStage.ID(),
			Start:     pulumi.String("2030-06-01T09:00:00Z"),
			End:       pulumi.String("2030-06-01T10:00:00Z"),
			Title:     pulumi.String("Keynote"),
			Tags:      pulumi.StringArray{pulumi.String("conference")},
		})
		if err != nil {
			return err
		}

		site, err := videokit.NewAllowedDomain(ctx, "site", &videokit.AllowedDomainArgs{
			Url: pulumi.String(siteURL),
		})
		if err != nil {
			return err
		}

		ci, err := videokit.NewApiKey(ctx, "ci", &videokit.ApiKeyArgs{
			Name:   pulumi.String("ci-bot-" + ctx.Stack()),
			RoleId: pulumi.String(keyRole),
		})
		if err != nil {
			return err
		}

		_, err = videokit.NewAssetSettings(ctx, "promoSettings", &videokit.AssetSettingsArgs{
			AssetId:   pulumi.String(promoAsset),
			Analytics: videokit.ToggleDisabled,
			Cap:       videokit.ToggleInherit,
		})
		if err != nil {
			return err
		}

		ctx.Export("ingestUrls", mainStage.IngestUrls)
		ctx.Export("playbackUrls", mainStage.PlaybackUrls)
		ctx.Export("keynoteStatus", keynote.Status)
		ctx.Export("ciKeyRole", ci.RoleName)
		ctx.Export("siteDomainId", site.ID())
		return nil
	})
}
