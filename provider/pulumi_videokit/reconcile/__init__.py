"""Observe → diff → act.  Plain data in and out: no Pulumi, no HTTP."""
