"""More malformed input, by family: each is rejected with its exact place, before any API call.

Together with test_yaml_corpus.py this is the bad-input corpus; the count goes into the
reliability figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_videokit.gitops import DeclarationError, load

from . import figures
from .test_yaml_corpus import CORPUS

CH = "channels:\n  main:\n    name: main\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
EV = (
    CH
    + "events:\n  e:\n    channel: main\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n"
)

ENUMS = {
    "redundancy": "'SingleInput', 'DoubleInput'",
    "latency": "'NormalLatency', 'ReducedLatency'",
    "activationMode": "'EventBased', 'Manual'",
    "transmissionType": "'Video', 'Audio'",
    "environment": "'MediaLive', 'MediaLiveAnywhere'",
    "mediaPackageVersion": "'V1', 'V2'",
}

MORE: dict[str, tuple[str, str, str]] = {}
for field, allowed in ENUMS.items():
    MORE[f"{field} lowercase"] = (
        CH + f"    {field}: x{allowed.split(',')[0].strip(chr(39)).lower()}\n",
        f"5:5: channels.main.{field}",
        f"allowed: {allowed}",
    )
    MORE[f"{field} number"] = (CH + f"    {field}: 7\n", f"5:5: channels.main.{field}", f"allowed: {allowed}")
for setting in ("tokenRequired", "devToolsAccess", "cap", "analytics", "codeObfuscation"):
    MORE[f"{setting} true"] = (
        f"assetSettings:\n  s:\n    assetId: a1\n    {setting}: true\n",
        f"4:5: assetSettings.s.{setting}",
        "allowed: 'Enabled', 'Disabled'",
    )
    MORE[f"{setting} lowercase"] = (
        f"assetSettings:\n  s:\n    assetId: a1\n    {setting}: enabled\n",
        f"4:5: assetSettings.s.{setting}",
        "allowed: 'Enabled', 'Disabled'",
    )
for name, value in {"number": "42", "bool": "true", "null": "null", "list": "[a]", "map": "{a: b}"}.items():
    MORE[f"channel name {name}"] = (
        f"channels:\n  main:\n    name: {value}\n    input: {{type: RTMP_PUSH, inputLoss: {{type: COLOR}}}}\n",
        "3:5: channels.main.name",
        "must be a string",
    )
for name, value in {
    "number": "1700000000",
    "word": "soon",
    "date only": "'2030-01-01x'",
    "bool": "true",
}.items():
    MORE[f"event start {name}"] = (
        EV.replace("start: '2030-01-01T10:00:00Z'", f"start: {value}"),
        "8:5: events.e.start",
        "",
    )
MORE.update(
    {
        "input is a string": (
            CH.replace("input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}", "input: RTMP_PUSH"),
            "4:5: channels.main.input",
            "valid dictionary",
        ),
        "input loss missing": (
            CH.replace(", inputLoss: {type: COLOR}", ""),
            "4:5: channels.main.input.inputLoss",
            "is required",
        ),
        "input type missing": (
            CH.replace("type: RTMP_PUSH, ", ""),
            "4:5: channels.main.input.type",
            "is required",
        ),
        "input loss type missing": (
            CH.replace("inputLoss: {type: COLOR}", "inputLoss: {color: '000000'}"),
            "4:30: channels.main.input.inputLoss.type",
            "is required",
        ),
        "colour too short": (
            CH.replace("{type: COLOR}", "{type: COLOR, color: '000'}"),
            "4:55: channels.main.input.inputLoss.color",
            "pattern",
        ),
        "cidr with spaces": (
            CH.replace("type: RTMP_PUSH,", "type: RTMP_PUSH, whitelistCidr: '10.0.0.0 /8',"),
            "4:30: channels.main.input.whitelistCidr",
            "CIDR",
        ),
        "ipv6 cidr too wide": (
            CH.replace("type: RTMP_PUSH,", "type: RTMP_PUSH, whitelistCidr: '::/129',"),
            "4:30: channels.main.input.whitelistCidr",
            "CIDR",
        ),
        "quality frame rate zero": (
            CH + "    qualities: [{resolution: 720p, frameRate: 0}]\n",
            "5:36: channels.main.qualities.0.frameRate",
            "greater than or equal to 1",
        ),
        "quality unknown key": (
            CH + "    qualities: [{resolution: 720p, fps: 30}]\n",
            "5:36: channels.main.qualities.0.fps",
            "not a known field",
        ),
        "endpoint empty type": (
            CH + "    endpoints: [{type: ''}]\n",
            "5:18: channels.main.endpoints.0.type",
            "at least 1 character",
        ),
        "endpoint missing type": (
            CH + "    endpoints: [{}]\n",
            "5:17: channels.main.endpoints.0.type",
            "is required",
        ),
        "restream key type": (
            CH + "    restreams: [{rtmpDestinations: [{url: 'rtmp://x/y', streamKey: 5}]}]\n",
            "5:57: channels.main.restreams.0.rtmpDestinations.0.streamKey",
            "must be a string",
        ),
        "automation not bool": (
            CH + "    automationDisabled: sometimes\n",
            "5:5: channels.main.automationDisabled",
            "must be true or false",
        ),
        "allowInterrupt not bool": (
            CH + "    allowInterrupt: please\n",
            "5:5: channels.main.allowInterrupt",
            "must be true or false",
        ),
        "event title list": (EV + "    title: [a, b]\n", "10:5: events.e.title", "must be a string"),
        "event ensureChannel word": (
            EV + "    ensureChannel: always\n",
            "10:5: events.e.ensureChannel",
            "must be true or false",
        ),
        "event tags not list": (EV + "    tags: keynote\n", "10:5: events.e.tags", "valid list"),
        "event tag not string": (EV + "    tags: [1]\n", "10:12: events.e.tags.0", "must be a string"),
        "event metadata nested": (
            EV + "    metadata: {a: {b: c}}\n",
            "10:16: events.e.metadata.a",
            "must be a string",
        ),
        "event unknown field": (EV + "    speaker: Ada\n", "10:5: events.e.speaker", "not a known field"),
        "event channel to nowhere twice": (
            EV.replace("channel: main", "channel: other"),
            "7:5: events.e.channel",
            "names no channel",
        ),
        "domain with space": ("domains:\n  d: {url: 'https://a b.com'}\n", "2:7: domains.d.url", "space"),
        "domain list": ("domains:\n  d: [https://a.com]\n", "2:3: domains.d", "mapping of fields"),
        "domain unknown field": (
            "domains:\n  d: {url: 'https://a.com', cdn: true}\n",
            "2:29: domains.d.cdn",
            "not a known field",
        ),
        "api key name too long": (
            "apiKeys:\n  k: {name: '" + "k" * 129 + "', roleId: r}\n",
            "2:7: apiKeys.k.name",
            "at most 128",
        ),
        "api key role number": (
            "apiKeys:\n  k: {name: ci, roleId: 7}\n",
            "2:17: apiKeys.k.roleId",
            "must be a string",
        ),
        "api key extra": (
            "apiKeys:\n  k: {name: ci, roleId: r, scopes: [all]}\n",
            "2:28: apiKeys.k.scopes",
            "not a known field",
        ),
        "settings asset missing": (
            "assetSettings:\n  s: {cap: Enabled}\n",
            "2:3: assetSettings.s.assetId",
            "is required",
        ),
        "section null entries ok but entry null": ("domains:\n  d:\n", "2:3: domains.d", "mapping of fields"),
        "frame rate quoted": (
            CH + '    qualities: [{resolution: 720p, frameRate: "30"}]\n',
            "5:36: channels.main.qualities.0.frameRate",
            "must be an integer, not the string '30' (write it without quotes)",
        ),
        "frame rate bool": (
            CH + "    qualities: [{resolution: 720p, frameRate: true}]\n",
            "5:36: channels.main.qualities.0.frameRate",
            "must be an integer, not true",
        ),
        "running yes": (CH + '    running: "yes"\n', "5:5: channels.main.running", "must be true or false"),
        "running one": (CH + "    running: 1\n", "5:5: channels.main.running", "not the number 1"),
        "protect quoted": (CH + '    protect: "true"\n', "5:5: channels.main.protect", "without quotes"),
        "automation zero": (
            CH + "    automationDisabled: 0\n",
            "5:5: channels.main.automationDisabled",
            "not the number 0",
        ),
        "event date only": (
            EV.replace("'2030-01-01T10:00:00Z'", "2030-01-01"),
            "8:5: events.e.start",
            "such as 2030-01-01T00:00:00Z",
        ),
        "domain not ascii": (
            'domains:\n  d: {url: "https://BÜCHER.example.com/"}\n',
            "2:7: domains.d.url",
            "xn--bcher-kva",
        ),
        "domain star": (
            "domains:\n  d: {url: 'https://ex*ample.com'}\n",
            "2:7: domains.d.url",
            "no valid host",
        ),
        "domain bad port": (
            "domains:\n  d: {url: 'https://example.com:0'}\n",
            "2:7: domains.d.url",
            "1 to 65535",
        ),
        "alias bomb": (
            "x:\n  a0: &a0 [x, x]\n  a1: &a1 [*a0, *a0]\n  a2: &a2 [*a1, *a1]\n  a3: &a3 [*a2, *a2]\n"
            "  a4: [*a3, *a3]\n",
            "6:8: (yaml)",
            "reaches through more than 3 levels of aliases",
        ),
        "anchor to scalar": ("x: &a 1\nchannels:\n  main: *a\n", "1:1: x", "is not a section"),
        "top level scalar": ("just text\n", "1:1: (file)", "mapping of sections"),
    }
)


# AssetDetails: each new field, and the entry as a whole.
AD = "assetDetails:\n  d:\n    assetId: a1\n"
MORE.update(
    {
        "details chapter ends before it starts": (
            AD + "    chapters: [{title: a, startSecond: 60, endSecond: 30}]\n",
            "4:44: assetDetails.d.chapters.0.endSecond",
            "30 is not after startSecond 60",
        ),
        "details chapter of no length": (
            AD + "    chapters:\n      - title: a\n        startSecond: 60\n        endSecond: 60\n",
            "7:9: assetDetails.d.chapters.0.endSecond",
            "60 is not after startSecond 60",
        ),
        "details chapter negative": (
            AD + "    chapters: [{title: a, startSecond: -5}]\n",
            "4:27: assetDetails.d.chapters.0.startSecond",
            "greater than or equal to 0",
        ),
        "details chapter untitled": (
            AD + "    chapters: [{startSecond: 5}]\n",
            "4:16: assetDetails.d.chapters.0.title",
            "is required",
        ),
        "details chapter start/end spelling": (
            AD + "    chapters: [{title: a, start: 5}]\n",
            "4:16: assetDetails.d.chapters.0.startSecond",
            "is required",
        ),
        "details chapter twice": (
            AD + "    chapters: [{title: a, startSecond: 5}, {title: a, startSecond: 5}]\n",
            "4:5: assetDetails.d.chapters",
            "listed more than once",
        ),
        "details policy boolean": (
            AD + "    tokenRequiredPolicy: true\n",
            "4:5: assetDetails.d.tokenRequiredPolicy",
            "must be the string 'True', not the boolean true",
        ),
        "details policy lowercase": (
            AD + "    tokenRequiredPolicy: 'true'\n",
            "4:5: assetDetails.d.tokenRequiredPolicy",
            "allowed: 'Inherit', 'True', 'False'",
        ),
        "details policy of a setting": (
            AD + "    tokenRequiredPolicy: Enabled\n",
            "4:5: assetDetails.d.tokenRequiredPolicy",
            "allowed: 'Inherit', 'True', 'False'",
        ),
        "details tag twice": (AD + "    tags: [a, b, a]\n", "4:5: assetDetails.d.tags", "'a' is listed more than once"),
        "details tag empty": (AD + "    tags: ['']\n", "4:12: assetDetails.d.tags.0", "at least 1 character"),
        "details tags a string": (AD + "    tags: featured\n", "4:5: assetDetails.d.tags", "valid list"),
        "details attribute without value": (
            AD + "    attributes: [genre]\n",
            "4:18: assetDetails.d.attributes.0",
            "'genre' is not key=value",
        ),
        "details attribute without key": (
            AD + "    attributes: ['=drama']\n",
            "4:18: assetDetails.d.attributes.0",
            "is not key=value",
        ),
        "details description list": (AD + "    description: [a]\n", "4:5: assetDetails.d.description", "must be a string"),
        "details nothing declared": (AD, "2:3: assetDetails.d", "declare at least one of description, tags"),
        "details without asset": (
            "assetDetails:\n  d: {description: x}\n",
            "2:3: assetDetails.d",
            "give exactly one of vodAsset (an entry of vodAssets) or assetId",
        ),
        "details with asset and vod asset": (
            "assetDetails:\n  d: {vodAsset: promo, assetId: a1, description: x}\n",
            "2:3: assetDetails.d",
            "give exactly one of vodAsset (an entry of vodAssets) or assetId",
        ),
        "details vod asset to nowhere": (
            "vodAssets:\n  promo: {file: v.yaml, preset: dash_hls_1080p}\n"
            "assetDetails:\n  d: {vodAsset: other, description: x}\n",
            "4:7: assetDetails.d.vodAsset",
            "names no vodAsset of these files (vodAssets: promo)",
        ),
        "details twice for one asset": (
            "assetDetails:\n  d: {assetId: a1, description: x}\n  e: {assetId: a1, tags: [t]}\n",
            "3:7: assetDetails.e.assetId",
            "the API allows one AssetDetails per assetId",
        ),
    }
)


# Recording: each field, the window and the channel reference.
RC = CH + "recordings:\n  r:\n    channel: main\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n"
RECORDINGS = {
    "recording end missing": (RC.replace("    end: '2030-01-01T11:00:00Z'\n", ""), "6:3: recordings.r.end", "is required"),
    "recording reversed": (RC.replace("T11:00", "T09:00"), "6:3: recordings.r", "start must be before end"),
    "recording start no offset": (
        RC.replace("'2030-01-01T10:00:00Z'", "'2030-01-01T10:00:00'"),
        "8:5: recordings.r.start",
        "has no UTC offset",
    ),
    "recording start number": (
        RC.replace("'2030-01-01T10:00:00Z'", "1700000000"),
        "8:5: recordings.r.start",
        "not a number",
    ),
    "recording channel to nowhere": (RC.replace("channel: main", "channel: side"), "7:5: recordings.r.channel", "names no channel"),
    "recording channel and channelId": (
        RC.replace("    channel: main\n", "    channel: main\n    channelId: abc\n"),
        "6:3: recordings.r",
        "give exactly one of channel",
    ),
    "recording no channel": (RC.replace("    channel: main\n", ""), "6:3: recordings.r", "give exactly one of channel"),
    "recording channelId with space": (
        RC.replace("    channel: main\n", "    channelId: 'a b'\n"),
        "7:5: recordings.r.channelId",
        "must match pattern",
    ),
    "recording catchup bool": (RC + "    catchup: true\n", "10:5: recordings.r.catchup", "valid dictionary"),
    "recording catchup word": (
        RC + "    catchup: {enabled: yes please}\n",
        "10:15: recordings.r.catchup.enabled",
        "must be true or false",
    ),
    "recording catchup empty": (RC + "    catchup: {}\n", "10:5: recordings.r.catchup.enabled", "is required"),
    "recording archive delay": (
        RC + "    archive: {enabled: true, delaySeconds: 60}\n",
        "10:30: recordings.r.archive.delaySeconds",
        "not a known field",
    ),
    "recording public word": (RC + "    public: sometimes\n", "10:5: recordings.r.public", "must be true or false"),
    "recording public quoted": (RC + "    public: 'false'\n", "10:5: recordings.r.public", "without quotes"),
    "recording output without preset": (
        RC + "    outputs: [{id: file1}]\n",
        "10:15: recordings.r.outputs.0.preset",
        "is required",
    ),
    "recording output empty preset": (
        RC + "    outputs: [{preset: ''}]\n",
        "10:16: recordings.r.outputs.0.preset",
        "at least 1 character",
    ),
    "recording output id twice": (
        RC + "    outputs: [{preset: mp4, id: f}, {preset: hls, id: f}]\n",
        "10:5: recordings.r.outputs",
        "output id 'f' is given twice",
    ),
    "recording output id with space": (
        RC + "    outputs: [{preset: mp4, id: 'a b'}]\n",
        "10:29: recordings.r.outputs.0.id",
        "must match pattern",
    ),
    "recording outputs a string": (RC + "    outputs: mp4\n", "10:5: recordings.r.outputs", "valid list"),
    "recording output expiration": (
        RC + "    outputs: [{preset: mp4, expirationDate: '2031-01-01T00:00:00Z'}]\n",
        "10:29: recordings.r.outputs.0.expirationDate",
        "not a known field",
    ),
    "recording metadata flat": (
        RC + "    metadata: {genre: talk}\n",
        "10:16: recordings.r.metadata.genre",
        "not a known field",
    ),
    "recording attribute called title": (
        RC + "    metadata: {attributes: [{key: title, value: x}]}\n",
        "10:30: recordings.r.metadata.attributes.0.key",
        "'title' is metadata.title itself",
    ),
    "recording attribute twice": (
        RC + "    metadata: {attributes: [{key: a, value: x}, {key: a, value: y}]}\n",
        "10:16: recordings.r.metadata.attributes",
        "attribute key 'a' is given twice",
    ),
    "recording attribute without value": (
        RC + "    metadata: {attributes: [{key: a}]}\n",
        "10:29: recordings.r.metadata.attributes.0.value",
        "is required",
    ),
    "recording attribute key=value": (
        RC + "    metadata: {attributes: ['genre=talk']}\n",
        "10:29: recordings.r.metadata.attributes.0",
        "valid dictionary",
    ),
    "recording attribute value number": (
        RC + "    metadata: {attributes: [{key: a, value: 5}]}\n",
        "10:38: recordings.r.metadata.attributes.0.value",
        "quote it: '5'",
    ),
    "recording title list": (RC + "    metadata: {title: [a]}\n", "10:16: recordings.r.metadata.title", "must be a string"),
    "recording allowInterrupt word": (
        RC + "    allowInterrupt: please\n",
        "10:5: recordings.r.allowInterrupt",
        "must be true or false",
    ),
    "recording title at the top": (RC + "    title: Keynote\n", "10:5: recordings.r.title", "not a known field"),
    "recording source nested": (
        RC + "    source: {type: LiveChannel}\n",
        "10:5: recordings.r.source",
        "not a known field",
    ),
}
MORE.update(RECORDINGS)

# VodAsset: each field, the file as the loader finds it, and the hash nobody declares.
VA = "vodAssets:\n  v:\n    file: a.mp4\n    preset: mp4\n"
MORE.update(
    {
        "vod preset missing": ("vodAssets:\n  v:\n    file: a.mp4\n", "2:3: vodAssets.v.preset", "is required"),
        "vod file missing": ("vodAssets:\n  v:\n    preset: mp4\n", "2:3: vodAssets.v.file", "is required"),
        "vod file number": (VA.replace("a.mp4", "5"), "3:5: vodAssets.v.file", "quote it: '5'"),
        "vod file empty": (VA.replace("a.mp4", "''"), "3:5: vodAssets.v.file", "at least 1 character"),
        "vod file list": (VA.replace("a.mp4", "[a.mp4]"), "3:5: vodAssets.v.file", "must be a string, not a list"),
        "vod file not there": (
            VA.replace("a.mp4", "media/none.mp4"),
            "3:5: vodAssets.v.file",
            "'media/none.mp4' does not exist (relative to this YAML file)",
        ),
        "vod file is a directory": (VA.replace("a.mp4", "."), "3:5: vodAssets.v.file", "'.' is not a file"),
        "vod hash declared": (
            VA.replace("    file:", "    contentHash: " + "ab" * 32 + "\n    file:"),
            "3:5: vodAssets.v.contentHash",
            "is computed by the provider from file; remove it",
        ),
        "vod hash not hex": (VA + "    contentHash: abc\n", "5:5: vodAssets.v.contentHash", "must be a sha256"),
        "vod preset number": (VA.replace("preset: mp4", "preset: 7"), "4:5: vodAssets.v.preset", "quote it: '7'"),
        "vod preset empty": (VA.replace("preset: mp4", "preset: ''"), "4:5: vodAssets.v.preset", "at least 1"),
        "vod title list": (VA + "    title: [a]\n", "5:5: vodAssets.v.title", "must be a string"),
        "vod metadata nested": (VA + "    metadata: {a: {b: c}}\n", "5:16: vodAssets.v.metadata.a", "not a mapping"),
        "vod metadata number": (VA + "    metadata: {a: 1}\n", "5:16: vodAssets.v.metadata.a", "quote it: '1'"),
        "vod tags string": (VA + "    tags: featured\n", "5:5: vodAssets.v.tags", "valid list"),
        "vod tag empty": (VA + "    tags: ['']\n", "5:12: vodAssets.v.tags.0", "at least 1 character"),
        "vod attribute without equals": (
            VA + "    attributes: [genre]\n",
            "5:18: vodAssets.v.attributes.0",
            "'genre' is not key=value",
        ),
        "vod track without selector": (
            VA + "    transcodingTracks: [{type: Video}]\n",
            "5:25: vodAssets.v.transcodingTracks.0.trackSelector",
            "is required",
        ),
        "vod track snake case": (
            VA + "    transcodingTracks: [{trackSelector: {track_id: v1}, type: Video}]\n",
            "5:26: vodAssets.v.transcodingTracks.0.trackSelector.trackId",
            "is required",
        ),
        "vod track type empty": (
            VA + "    transcodingTracks: [{trackSelector: {trackId: v1}, type: ''}]\n",
            "5:56: vodAssets.v.transcodingTracks.0.type",
            "at least 1 character",
        ),
        "vod tracks not list": (
            VA + "    transcodingTracks: {type: Video}\n",
            "5:5: vodAssets.v.transcodingTracks",
            "valid list",
        ),
        "vod file types flag empty": (VA + "    fileTypesFlag: ''\n", "5:5: vodAssets.v.fileTypesFlag", "at least 1"),
        "vod wait yes": (VA + "    waitForAvailable: 'yes'\n", "5:5: vodAssets.v.waitForAvailable", "true or false"),
        "vod wait timeout zero": (
            VA + "    waitTimeoutSeconds: 0\n",
            "5:5: vodAssets.v.waitTimeoutSeconds",
            "greater than 0",
        ),
        "vod wait timeout quoted": (
            VA + "    waitTimeoutSeconds: '60'\n",
            "5:5: vodAssets.v.waitTimeoutSeconds",
            "write it without quotes",
        ),
        "vod wait timeout too long": (
            VA + "    waitTimeoutSeconds: 100000\n",
            "5:5: vodAssets.v.waitTimeoutSeconds",
            "less than or equal to 86400",
        ),
        "vod unknown field": (VA + "    fileName: a.mp4\n", "5:5: vodAssets.v.fileName", "not a known field"),
        "vod snake case field": (
            VA + "    wait_for_available: true\n",
            "5:5: vodAssets.v.wait_for_available",
            "the API spells it waitForAvailable",
        ),
    }
)

@pytest.mark.parametrize("case", list(MORE), ids=list(MORE))
def test_more_malformed_yaml(tmp_path: Path, case: str) -> None:
    figures.add("bad inputs tried")
    text, where, message = MORE[case]
    path = tmp_path / "v.yaml"
    path.write_text(text)
    with pytest.raises(DeclarationError) as err:
        load(path)
    first = err.value.problems[0]
    assert f"{first.line}:{first.col}: {first.field}" == where, str(err.value)
    assert message in first.message, str(err.value)
    figures.add("bad inputs rejected cleanly")


class NoCalls(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.created: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.created.append(args.name)
        return "id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


INPUT = {"type": "RTMP_PUSH", "input_loss": {"type": "COLOR"}}
PYTHON: dict[str, tuple[str, dict[str, Any], str]] = {
    "channel frame rate text": (
        "Channel",
        {"name": "c", "input": INPUT, "qualities": [{"resolution": "720p", "frame_rate": "x"}]},
        "qualities.0.frameRate",
    ),
    "channel name int": ("Channel", {"name": 5, "input": INPUT}, "name"),
    "channel input list": ("Channel", {"name": "c", "input": ["RTMP_PUSH"]}, "input"),
    "channel latency typo": ("Channel", {"name": "c", "input": INPUT, "latency": "Low"}, "latency"),
    "channel running text": ("Channel", {"name": "c", "input": INPUT, "running": "yes please"}, "running"),
    "event start number": ("Event", {"channel_id": "c", "start": 1, "end": "2030-01-01T11:00:00Z"}, "start"),
    "event reversed": (
        "Event",
        {"channel_id": "c", "start": "2030-01-01T12:00:00Z", "end": "2030-01-01T11:00:00Z"},
        "start must be before end",
    ),
    "event tags string": (
        "Event",
        {"channel_id": "c", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z", "tags": "a"},
        "tags",
    ),
    "domain url int": ("AllowedDomain", {"url": 5}, "url"),
    "domain bad scheme": ("AllowedDomain", {"url": "mailto:x@y"}, "url"),
    "api key empty role": ("ApiKey", {"name": "k", "role_id": ""}, "roleId"),
    "settings bad value": ("AssetSettings", {"asset_id": "a", "cap": "yes"}, "cap"),
    "settings nothing": ("AssetSettings", {"asset_id": "a"}, "declare at least one"),
}
PYTHON.update(
    {
        "details chapter reversed": (
            "AssetDetails",
            {"asset_id": "a", "chapters": [{"title": "a", "startSecond": 9, "endSecond": 1}]},
            "chapters.0.endSecond",
        ),
        "details policy bool": ("AssetDetails", {"asset_id": "a", "token_required_policy": True}, "tokenRequiredPolicy"),
        "details attribute": ("AssetDetails", {"asset_id": "a", "attributes": ["genre"]}, "attributes.0"),
        "details nothing": ("AssetDetails", {"asset_id": "a"}, "declare at least one"),
    }
)

REC = {"channel_id": "c", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
PYTHON.update(
    {
        "recording reversed": ("Recording", {**REC, "end": "2030-01-01T09:00:00Z"}, "start must be before end"),
        "recording naive start": ("Recording", {**REC, "start": "2030-01-01T10:00:00"}, "start"),
        "recording catchup bool": ("Recording", {**REC, "catchup": True}, "catchup"),
        "recording output without preset": ("Recording", {**REC, "outputs": [{"id": "f"}]}, "outputs.0.preset"),
        "recording attribute twice": (
            "Recording",
            {**REC, "metadata": {"attributes": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}},
            "metadata.attributes",
        ),
        "recording public text": ("Recording", {**REC, "public": "sometimes"}, "public"),
    }
)

VOD = {"file": "a.mp4", "preset": "mp4"}
PYTHON.update(
    {
        "vod file number": ("VodAsset", {**VOD, "file": 5}, "file"),
        "vod preset missing": ("VodAsset", {"file": "a.mp4"}, "preset"),
        "vod attribute": ("VodAsset", {**VOD, "attributes": ["genre"]}, "attributes.0"),
        "vod hash not hex": ("VodAsset", {**VOD, "content_hash": "abc"}, "contentHash"),
        "vod wait timeout negative": ("VodAsset", {**VOD, "wait_timeout_seconds": -1}, "waitTimeoutSeconds"),
        "vod track type missing": (
            "VodAsset",
            {**VOD, "transcoding_tracks": [{"track_selector": {"track_id": "v"}}]},
            "transcodingTracks.0.type",
        ),
    }
)

@pytest.mark.parametrize("case", list(PYTHON), ids=list(PYTHON))
def test_python_programs_passing_wrong_values(case: str) -> None:
    import pulumi_videokit as vk

    figures.add("bad inputs tried")
    mocks = NoCalls()
    pulumi.runtime.set_mocks(mocks, preview=False)
    kind, kwargs, where = PYTHON[case]
    with pytest.raises(vk.InvalidDeclarationError, match=where.replace(".", r"\.")):
        getattr(vk, kind)("r", **kwargs)
    assert mocks.created == []
    figures.add("bad inputs rejected cleanly")


def test_corpus_has_at_least_a_hundred_cases() -> None:
    assert len(CORPUS) + len(MORE) + len(PYTHON) >= 100


@pytest.mark.parametrize("value", ["84736251", "[84736251]", "{k: 84736251}", "84736251.5"])
def test_a_stream_key_of_the_wrong_type_is_refused_without_repeating_it(tmp_path: Path, value: str) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(CH + f"    restreams: [{{rtmpDestinations: [{{url: 'rtmp://x/y', streamKey: {value}}}]}}]\n")
    with pytest.raises(DeclarationError) as err:
        load(path)
    [problem] = err.value.problems
    assert problem.field == "channels.main.restreams.0.rtmpDestinations.0.streamKey"
    assert "must be a string" in problem.message
    assert "84736251" not in str(err.value)


# ---- values validate once accepted that failed later (red team, issue 19), and duplicate recordings ----

LATE = "'9999-12-31T23:00:00-14:00'"
EARLY = "'0001-01-01T00:30:00+14:00'"
AD = "assetDetails:\n  d:\n    assetId: abc\n    chapters:\n"
OUT_OF_RANGE = {
    "recording start past year 9999 in UTC": (
        RC.replace("'2030-01-01T10:00:00Z'", LATE).replace(
            "'2030-01-01T11:00:00Z'", "'9999-12-31T23:30:00-14:00'"
        ),
        "8:5: recordings.r.start",
        "9999-12-31T23:00:00-14:00 is after 9999-12-31T23:59:59Z in UTC",
    ),
    "recording end past year 9999 in UTC": (
        RC.replace("'2030-01-01T11:00:00Z'", LATE),
        "9:5: recordings.r.end",
        "is after 9999-12-31T23:59:59Z in UTC",
    ),
    "recording start before year 1 in UTC": (
        RC.replace("'2030-01-01T10:00:00Z'", EARLY),
        "8:5: recordings.r.start",
        "0001-01-01T00:30:00+14:00 is before 0001-01-01T00:00:00Z in UTC",
    ),
    "chapter startSecond past int64": (
        AD + "      - {title: A, startSecond: 99999999999999999999999}\n",
        "5:20: assetDetails.d.chapters.0.startSecond",
        "less than or equal to 9223372036854775807",
    ),
    "chapter endSecond one past int64": (
        AD + "      - {title: A, startSecond: 0, endSecond: 9223372036854775808}\n",
        "5:36: assetDetails.d.chapters.0.endSecond",
        "less than or equal to 9223372036854775807",
    ),
}


@pytest.mark.parametrize("case", list(OUT_OF_RANGE), ids=list(OUT_OF_RANGE))
def test_values_out_of_range_are_refused_at_their_line(tmp_path: Path, case: str) -> None:
    figures.add("bad inputs tried")
    text, where, message = OUT_OF_RANGE[case]
    path = tmp_path / "v.yaml"
    path.write_text(text)
    with pytest.raises(DeclarationError) as err:
        load(path)
    first = err.value.problems[0]
    assert f"{first.line}:{first.col}: {first.field}" == where, str(err.value)
    assert message in first.message, str(err.value)
    figures.add("bad inputs rejected cleanly")


def test_the_last_int64_second_and_the_last_utc_instant_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(
        RC.replace("'2030-01-01T11:00:00Z'", "'9999-12-31T09:59:59-14:00'")
        + AD
        + "      - {title: A, startSecond: 9223372036854775806, endSecond: 9223372036854775807}\n"
    )
    entries = {e.name: e.props for e in load(path).entries}
    assert entries["d"]["chapters"][0]["endSecond"] == 2**63 - 1
    from pulumi_videokit.models.desired import RecordingSpec

    spec = RecordingSpec.model_validate({**entries["r"], "channelId": "c"})
    assert spec.wire()["end"] == "9999-12-31T23:59:59+00:00"  # serializes, no OverflowError


REC_AT = {"channel_id": "c", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
PYTHON_OUT_OF_RANGE: dict[str, tuple[str, dict[str, Any], str]] = {
    "recording start past 9999": (
        "Recording",
        {**REC_AT, "start": "9999-12-31T23:00:00-14:00", "end": "9999-12-31T23:30:00-14:00"},
        "start",
    ),
    "chapter start past int64": (
        "AssetDetails",
        {"asset_id": "a", "chapters": [{"title": "a", "startSecond": 10**20}]},
        "chapters.0.startSecond",
    ),
}


@pytest.mark.parametrize("case", list(PYTHON_OUT_OF_RANGE), ids=list(PYTHON_OUT_OF_RANGE))
def test_python_programs_passing_values_out_of_range(case: str) -> None:
    import pulumi_videokit as vk

    mocks = NoCalls()
    pulumi.runtime.set_mocks(mocks, preview=False)
    kind, kwargs, where = PYTHON_OUT_OF_RANGE[case]
    with pytest.raises(vk.InvalidDeclarationError, match=where.replace(".", r"\.")):
        getattr(vk, kind)("r", **kwargs)
    assert mocks.created == []


def recording(name: str, channel: str, start: str, end: str) -> str:
    return f"  {name}:\n    {channel}\n    start: '{start}'\n    end: '{end}'\n"


def test_two_recordings_of_one_channel_and_window_are_refused_naming_both_lines(tmp_path: Path) -> None:
    """The same instants in other offsets are the same window; a lost create could not tell them apart."""
    path = tmp_path / "v.yaml"
    path.write_text(
        CH
        + "recordings:\n"
        + recording("keynote", "channel: main", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
        + recording("again", "channel: main", "2030-01-10T12:00:00+02:00", "2030-01-10T13:00:00.000+02:00")
        + recording("longer", "channel: main", "2030-01-10T10:00:00Z", "2030-01-10T11:00:01Z")
        + recording("by-id", "channelId: ch-1", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
        + recording("by-id-too", "channelId: ch-1", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
    )
    with pytest.raises(DeclarationError) as err:
        load(path)
    got = [(p.line, p.field, p.message) for p in err.value.problems]
    assert [g[:2] for g in got] == [(12, "recordings.again.start"), (24, "recordings.by-id-too.start")], str(
        err.value
    )
    assert f"as recordings.keynote at {path}:6:3" in got[0][2]
    assert f"as recordings.by-id at {path}:18:3" in got[1][2]
    assert all("records the same channel and window" in g[2] and "orphaned" in g[2] for g in got)


def test_duplicate_recordings_across_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        CH
        + "recordings:\n"
        + recording("one", "channel: main", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
    )
    (tmp_path / "b.yaml").write_text(
        "recordings:\n" + recording("two", "channel: main", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
    )
    with pytest.raises(DeclarationError) as err:
        load(tmp_path)
    [problem] = err.value.problems
    assert (Path(problem.file).name, problem.line, problem.field) == ("b.yaml", 4, "recordings.two.start")
    assert f"recordings.one at {tmp_path / 'a.yaml'}:6:3" in problem.message


def test_recordings_of_other_windows_or_channels_load(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(
        CH.replace("main", "other")
        + CH.replace("channels:\n", "")
        + "recordings:\n"
        + recording("a", "channel: main", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
        + recording("b", "channel: other", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
        + recording("c", "channel: main", "2030-01-10T10:00:00Z", "2030-01-10T12:00:00Z")
        + recording("d", "channelId: ch-1", "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
    )
    assert [e.name for e in load(path).entries if e.section == "recordings"] == ["a", "b", "c", "d"]
