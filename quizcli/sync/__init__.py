"""Progress that follows the learner: ``quizcli sync`` through a folder that git, Syncthing or Dropbox carries.

`segments` is the file format (pure), `folder` the folder on disk, `git` the optional git transport;
`quizcli.commands.sync` runs a sync and `quizcli.store.sync` merges inside one transaction.
See docs/sync.md.
"""
