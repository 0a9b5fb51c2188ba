"""Encryption at rest of personal fields (AES-GCM) and blind indexes (HMAC-SHA256).

keys.py loads the key ring; codec.py encrypts one value; fields.py are the model fields that
do it transparently; rotation.py re-encrypts online (`jeevanrekha keys rotate`).
See docs/encryption.md.
"""
