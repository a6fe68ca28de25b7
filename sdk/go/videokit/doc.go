// Live channels, scheduled events, player allowed domains, API keys and streaming-asset settings of a Cloud Video Kit tenant.
package videokit
